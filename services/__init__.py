"""Use-cases called by the views, the CLI and the workflows. Every write goes through here."""
