"""no-reason-phrase: Writes status lines without a reason phrase, and without the space before it: `HTTP/1.1 200`."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def status_line(self, request_version, status):
        # BUG: "the code is what matters" -- the reason phrase (and its leading space) is left out.
        return f'HTTP/1.1 {status}'


if __name__ == '__main__':
    main(Server)
