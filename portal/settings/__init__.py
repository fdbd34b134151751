"""Settings: ``base`` reads the environment; ``dev``, ``test`` and ``production``
override it thinly."""
