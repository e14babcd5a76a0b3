"""method-letters-only: Takes a method to be capital letters only, so a valid method token with a
hyphen (M-SEARCH) is refused as a malformed request line (400) instead of answered 405."""
import os
import re
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import HttpError, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def parse_request_line(self, line):
        method = line.split(' ')[0]
        # BUG: [A-Z]+ instead of the token grammar: "M-SEARCH" (a hyphen) is no method here.
        if re.fullmatch(r'[A-Za-z]+', method) is None and re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", method):
            raise HttpError(400, 'malformed method', close=True)
        return super().parse_request_line(line)


if __name__ == '__main__':
    main(Server)
