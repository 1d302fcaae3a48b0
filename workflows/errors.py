"""Errors of the workflow engine layer; messages are Chinese because they reach the bureau's users."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base of everything the engine adapter raises on purpose."""


class DiagramError(WorkflowError):
    """A diagram that may not be used; ``problems`` holds one Chinese message per problem found."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("流程图不可用：" + "；".join(self.problems))


class SandboxViolation(WorkflowError):  # noqa: N818 - a refusal, not a malfunction
    """Diagram code that the sandbox refuses to run; ``problems`` lists each reason in Chinese."""

    def __init__(self, problems: list[str] | tuple[str, ...], source: str = "") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__("脚本或条件被拒绝执行：" + "；".join(self.problems))


class BudgetExceeded(SandboxViolation):
    """Diagram code stopped while running: too many loop steps, too long, too much memory, or a value too large
    to build (``workflows/budget.py``); ``problems`` holds the reason in Chinese."""

    def __init__(self, problems: list[str] | tuple[str, ...], source: str = "") -> None:
        super().__init__(problems, source)
        self.args = ("脚本或条件超出运行限制：" + "；".join(self.problems),)


class StepFailed(WorkflowError):
    """An element of the diagram failed while the engine ran it: its condition or script raised or went over
    budget, no outgoing flow of a gateway applied, or the engine ran on without reaching a person's step.
    ``element`` is the BPMN id, ``label`` how people know it (「name」(id)), ``reason`` the Chinese cause."""

    def __init__(self, element: str, label: str, reason: str) -> None:
        self.element = element
        self.label = label
        self.reason = reason
        super().__init__(f"流程在{label}出错：{reason}")


class TaskNotReady(WorkflowError):  # noqa: N818 - reads as the condition it reports
    """The task does not exist in this instance or is not waiting for a person."""


class InvalidInput(WorkflowError):  # noqa: N818 - bad input from the caller
    """A decision that is not one of the step's choices, or start/extra data that cannot be stored."""


class StateError(WorkflowError):
    """Stored instance state that does not belong to the given diagram version or cannot be read."""
