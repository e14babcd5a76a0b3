"""patch-replaces: PATCH replaces the record instead of merging the fields into it."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def merge(self, record, fields):
        # BUG: PATCH is treated like PUT; the old fields are dropped.
        return fields


if __name__ == '__main__':
    main(Server)
