package dev.lifeline.agent.engine;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EventSubscription;
import java.io.Closeable;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** docker-java event callback that forwards container events and reports an unexpected end exactly once. */
final class EventStream extends ResultCallback.Adapter<Event> implements EventSubscription {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    private final EngineEventListener listener;
    private final URI endpoint;
    private final AtomicBoolean closedByUs = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Throwable failure;
    private volatile boolean running;

    EventStream(EngineEventListener listener, URI endpoint) {
        this.listener = listener;
        this.endpoint = endpoint;
    }

    @Override
    public void onStart(Closeable stream) {
        super.onStart(stream);
        running = true;
        started.countDown();
    }

    @Override
    public void onNext(Event event) {
        EngineEvent converted = convert(event);
        if (converted == null) {
            return;
        }
        try {
            listener.onEvent(converted);
        } catch (RuntimeException e) {
            log.warn("event=engine_event_listener_failed action={} container={} error={}",
                    converted.action(), converted.containerId(), e.toString());
        }
    }

    @Override
    public void onError(Throwable cause) {
        if (!running) {
            // failed before the stream was open: subscribe() reports it by throwing
            failure = cause;
            ended.set(true);
            started.countDown();
            return;
        }
        end(EngineException.unreachable("event stream from " + endpoint + " failed: "
                + DockerEngine.rootMessage(cause), cause));
    }

    @Override
    public void onComplete() {
        started.countDown();
        end(EngineException.unreachable("event stream from " + endpoint + " ended (engine closed it)", null));
    }

    private void end(EngineException cause) {
        if (closedByUs.get() || !ended.compareAndSet(false, true)) {
            return;
        }
        log.warn("event=engine_events_ended endpoint={} reason=\"{}\"", endpoint, cause.getMessage());
        try {
            listener.onStreamEnded(cause);
        } catch (RuntimeException e) {
            log.warn("event=engine_stream_end_listener_failed error={}", e.toString());
        }
    }

    void awaitStarted(Duration timeout) {
        try {
            started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        if (!closedByUs.compareAndSet(false, true)) {
            return;
        }
        try {
            super.close();
        } catch (Exception e) {
            log.debug("event=engine_events_close_failed error={}", e.toString());
        }
    }

    static EngineEvent convert(Event e) {
        Map<String, String> attributes = new HashMap<>();
        String id = e.getId();
        if (e.getActor() != null) {
            if (e.getActor().getAttributes() != null) {
                e.getActor().getAttributes().forEach((k, v) -> {
                    if (k != null && v != null) {
                        attributes.put(k, v);
                    }
                });
            }
            if (id == null) {
                id = e.getActor().getId();
            }
        }
        String action = e.getAction() != null ? e.getAction() : e.getStatus();
        if (id == null || action == null) {
            return null;
        }
        Instant time;
        if (e.getTimeNano() != null && e.getTimeNano() > 0) {
            time = Instant.ofEpochSecond(0, e.getTimeNano());
        } else if (e.getTime() != null) {
            time = Instant.ofEpochSecond(e.getTime());
        } else {
            time = Instant.now();
        }
        return new EngineEvent(id, action, time, attributes);
    }
}
