package dev.lifeline.core.journal;

import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.time.Instant;

public record IntentRecord(StackName stack, Intent intent, String reason, Instant since) {}
