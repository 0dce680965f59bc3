"""Stage 7: the Datasette plugin (:mod:`.plugin`, registered by entry point) and its templates."""
