"""The attacks of issue 25 (and the earlier trust rounds), each reproduced: tampering with the
audit log and the state, crafted files, unbounded inputs, forged origins, killed processes.
The slow ones (a 2 GB file, timed kills) are marked `slow` and run with
`SPZX_SLOW_TESTS=1 .venv/bin/python -m pytest -m slow tests/attacks`."""
