"""Approval workflows: BPMN diagrams, the lane → role map (roles) and the SpiffWorkflow adapter (engine)."""
