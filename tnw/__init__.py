"""tnw-assistent: orchestration, configuration and the `tnw` command line."""
