"""tnw-assistent: orchestration (training, the servers, evaluations) and the `tnw` command line."""
