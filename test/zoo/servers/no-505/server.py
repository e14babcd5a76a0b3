"""no-505: Never compares the major version with 1: HTTP/2 (or HTTP/9.9) requests are served as HTTP/1.1."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import HttpError, VERSION_RE, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def check_version(self, version):
        m = VERSION_RE.fullmatch(version)
        if not m:
            raise HttpError(400, 'malformed HTTP version', close=True)
        major, minor = m.group(1), m.group(2)
        if major == '1' and minor is None:
            raise HttpError(400, 'malformed HTTP version', close=True)
        # BUG: the major number is never compared with 1; HTTP/2 is "newer, so it must be fine".
        return 'HTTP/1.0' if (major, minor) == ('1', '0') else 'HTTP/1.1'


if __name__ == '__main__':
    main(Server)
