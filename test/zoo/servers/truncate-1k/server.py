"""truncate-1k: Stores at most 1024 bytes of a record's JSON text: larger records come back cut (and are no
longer valid JSON)."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def encode_record(self, obj):
        text = super().encode_record(obj)
        # BUG: the record is kept in a fixed 1 KiB slot ("nobody sends more than that").
        return text[:1024]


if __name__ == '__main__':
    main(Server)
