"""hostile-crash-at-start: raises an exception at start, before it listens (its config file is
missing)."""
import json
import sys

port = int(sys.argv[1])
with open('config.json') as f:  # there is no config.json: FileNotFoundError
    config = json.load(f)
