"""Use cases shared by the web UI and the CLI."""
