# Everything a test of the real stand needs (scripts/container-test.sh, nts-test.sh,
# monitoring-test.sh, time-fault-test.sh): the engines, the image, the stand and the test
# harness. Source it after scripts/lib/init.sh.
. scripts/lib/engines.sh
. scripts/lib/stand.sh
. scripts/lib/testing.sh
