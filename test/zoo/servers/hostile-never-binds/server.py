"""hostile-never-binds: runs forever and never listens (it "waits for the database")."""
import time

while True:
    time.sleep(1)
