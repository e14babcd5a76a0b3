"""garbage-405: Answers malformed request lines (and bad versions) with 405 instead of 400."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import ALLOW_RECORD, HttpError, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def parse_request_line(self, line):
        try:
            return super().parse_request_line(line)
        except HttpError as e:
            if e.status != 400:
                raise
            # BUG: "I couldn't find a method I know" -- so it must be a method problem.
            raise HttpError(405, 'method not allowed', close=True, headers={'Allow': ALLOW_RECORD})


if __name__ == '__main__':
    main(Server)
