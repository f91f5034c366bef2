package dev.lifeline.control.lease;

/**
 * Where a replica stands after keeping its leases.
 *
 * @param held the hosts it holds now (after taking or giving back)
 * @param hosts every host in the fleet
 * @param replicas the live replicas, itself included
 * @param taken leases it took in this step (free, or expired: a dead replica's)
 * @param released leases it gave back because it held more than its share (a replica joined)
 */
public record LeaseState(int held, int hosts, int replicas, int taken, int released) {

    /** This replica's fair share: every host covered, no replica holding more than one more than another. */
    public int share() {
        return replicas == 0 ? hosts : (hosts + replicas - 1) / replicas;
    }
}
