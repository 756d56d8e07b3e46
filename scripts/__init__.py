"""Developer scripts (spec update, generation, cassettes, benchmark); run as `python -m scripts.NAME`."""
