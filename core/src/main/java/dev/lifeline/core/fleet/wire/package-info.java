/**
 * The agent ↔ control plane protocol, as plain records that serialize to JSON the same on both sides. The agent
 * always calls (a host behind NAT needs no inbound port): it registers once with a join token, then pushes its full
 * stack report in every heartbeat and receives pending commands in the answer; a long-poll beside the heartbeat
 * brings a user's command within a second. Statuses and command kinds travel as their wire names
 * ({@link dev.lifeline.core.fleet.WorkloadStatus#wireName()}, {@link dev.lifeline.core.fleet.CommandKind#wireName()}).
 */
package dev.lifeline.core.fleet.wire;
