"""missing-is-200: Answers GET (and HEAD) of a missing record with 200 and `{}` instead of 404."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def do_GET(self, name):
        text = self.store_get(name)
        if text is None:
            # BUG: a missing record is just an empty one.
            return 200, {}, b'{}'
        return 200, {}, text.encode('utf-8')


if __name__ == '__main__':
    main(Server)
