"""record-dialogue/file-not-persisted: changes live in memory only; records.json is never rewritten, so a restart loses them."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from record_base import RecordServer, main  # noqa: E402


class Server(RecordServer):
    def save(self):
        # BUG: the records are changed in self.records and served from there, but never written back
        # to records.json: everything acknowledged since the start is gone after a restart.
        pass


if __name__ == '__main__':
    main(Server)
