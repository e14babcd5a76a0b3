"""hostile-floods-stdout: Prints debug output in a loop while serving correctly: about 11 MB a second.

A flood, not a leak: unread, it fills the pipe in 6 ms, and a grader that kept it all would hold 660 MB
after a minute. It floods in blocks of 56 KB with a 5 ms pause between them, not one line after another
as fast as it can: that held a core (the print loop, and the grader reading it) for the whole grade, on
the 2-core machine the test suite shares, and proved nothing more.
"""
import os
import sys
import threading
import time

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import main  # noqa: E402


def chatter():
    block = ('DEBUG: still here ' + 'x' * 200 + '\n') * 256
    while True:
        # BUG: a debug print left in a loop floods stdout (the grader must not grow memory over it).
        sys.stdout.write(block)
        time.sleep(0.005)


if __name__ == '__main__':
    threading.Thread(target=chatter, daemon=True).start()
    main()
