"""hostile-hardcoded-port: ignores its argument and always listens on port 18080. Otherwise it is
the correct base server."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer  # noqa: E402

PORT = 18080  # BUG: hard-coded; sys.argv[1] is never read

if __name__ == '__main__':
    StudentServer(PORT).serve_forever()
