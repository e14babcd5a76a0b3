"""lost-update: Reads, modifies and writes the store without a lock, with a small sleep in between, so
concurrent writes (POST, PUT, PATCH, DELETE) lose one another's updates."""
import os
import sys
import time

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def update_store(self, change):
        # BUG: no lock. Each request works on its own copy of the store and writes the whole copy
        # back (as with a JSON file rewritten in place); the sleep stands for the file I/O.
        records = dict(self.records)
        result = change(records)
        time.sleep(0.05)
        self.records = records
        return result


if __name__ == '__main__':
    main(Server)
