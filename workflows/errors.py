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


class TaskNotReady(WorkflowError):  # noqa: N818 - reads as the condition it reports
    """The task does not exist in this instance or is not waiting for a person."""


class InvalidInput(WorkflowError):  # noqa: N818 - bad input from the caller
    """A decision that is not one of the step's choices, or start/extra data that cannot be stored."""


class StateError(WorkflowError):
    """Stored instance state that does not belong to the given diagram version or cannot be read."""
