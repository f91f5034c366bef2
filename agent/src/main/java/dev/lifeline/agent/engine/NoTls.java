package dev.lifeline.agent.engine;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context given to the engine client on a unix socket, where TLS is never used: the client insists on
 * one, and builds the JDK's default (reading every trusted certificate) when given none. Any use fails loudly.
 */
final class NoTls extends SSLContextSpi {
    private static final SSLContext CONTEXT = new SSLContext(new NoTls(), null, "none") { };

    private NoTls() {}

    static SSLContext context() {
        return CONTEXT;
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("TLS is not used on a unix socket");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
        throw unused();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw unused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw unused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        throw unused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw unused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        throw unused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        throw unused();
    }
}
