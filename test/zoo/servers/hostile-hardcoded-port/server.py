"""hostile-hardcoded-port: ignores its argument and always listens on port 18080. Otherwise it is
the correct base server."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
from student_base import StudentServer  # noqa: E402

PORT = 18080  # BUG: hard-coded; sys.argv[1] is never read

if __name__ == '__main__':
    StudentServer(PORT).serve_forever()
