"""Flask-Admin views of every model: ownership table, scoped base view, per-model presentation."""
