"""delete-keeps: DELETE answers 204 but never removes the record."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def do_DELETE(self, name):
        if self.store_get(name) is None:
            return 404, {}, self.error_body(f'no record named {name}')
        # BUG: the answer is right, but the record is never removed.
        return 204, {}, b''


if __name__ == '__main__':
    main(Server)
