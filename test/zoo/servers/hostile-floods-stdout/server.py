"""hostile-floods-stdout: Prints debug output in a loop, as fast as it can, while serving correctly."""
import os
import sys
import threading

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import main  # noqa: E402


def chatter():
    line = 'DEBUG: still here ' + 'x' * 200 + '\n'
    while True:
        # BUG: a debug print left in a tight loop floods stdout (the grader must not grow memory over it).
        sys.stdout.write(line)


if __name__ == '__main__':
    threading.Thread(target=chatter, daemon=True).start()
    main()
