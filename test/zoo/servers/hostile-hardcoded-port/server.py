"""hostile-hardcoded-port: ignores its argument and always listens on the port its author hard-coded.
Otherwise it is the correct base server. Which port that is, the test harness says in
ZOO_HARDCODED_PORT (a free port it finds at run time; 18080 when run by hand), so that no two tests
on a shared machine fight over one fixed port."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer  # noqa: E402

PORT = int(os.environ.get('ZOO_HARDCODED_PORT', '18080'))  # BUG: a fixed port; sys.argv[1] is never read

if __name__ == '__main__':
    StudentServer(PORT).serve_forever()
