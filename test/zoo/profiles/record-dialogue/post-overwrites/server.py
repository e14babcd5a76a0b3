"""record-dialogue/post-overwrites: a POST of a name that exists overwrites the record instead of answering 400."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from record_base import RecordServer, main  # noqa: E402


class Server(RecordServer):
    def create(self, records, name, fields):
        # BUG: never checks whether the name is taken: POST silently replaces an existing record.
        records[name] = fields
        return True


if __name__ == '__main__':
    main(Server)
