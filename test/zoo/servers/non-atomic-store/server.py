"""non-atomic-store: Keeps the records in store.json, rewritten in place after every write."""
import json
import os
import sys
import time

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402

STORE = 'store.json'


class Server(StudentServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            with open(STORE) as f:
                self.records = json.load(f)
        except (OSError, ValueError):
            self.records = {}

    def update_store(self, change):
        with self.lock:
            result = change(self.records)
            # BUG: the file is truncated, then rewritten in place: a kill in between loses every
            # record, including those acknowledged long ago. (Written in pieces, as a big store is.)
            text = json.dumps(self.records)
            with open(STORE, 'w') as f:
                for i in range(0, len(text), 4096):
                    f.write(text[i:i + 4096])
                    f.flush()
                    time.sleep(0.005)
            return result


if __name__ == '__main__':
    main(Server)
