"""crash-no-colon: Splits each header line on ":" without a check: a line without a colon kills the process."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, crash, main  # noqa: E402


class Server(StudentServer):
    def parse_header_line(self, line):
        try:
            name, value = line.split(':', 1)
        except ValueError:
            # BUG: "every header has a colon" -- this one did not, and the ValueError kills the server.
            crash()
        return super().parse_header_line(line)


if __name__ == '__main__':
    main(Server)
