"""no-505: Never checks the major version: HTTP/2 (or HTTP/9.9) requests are served as HTTP/1.1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
from student_base import HttpError, VERSION_RE, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def check_version(self, version):
        m = VERSION_RE.fullmatch(version)
        if not m:
            raise HttpError(400, 'malformed HTTP version', close=True)
        # BUG: only the minor number is looked at; HTTP/2 is "new, so it must be fine".
        return 'HTTP/1.0' if m.group(2) == '0' else 'HTTP/1.1'


if __name__ == '__main__':
    main(Server)
