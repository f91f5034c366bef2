package dev.lifeline.control.config;

import java.nio.file.Path;

/** The PEM certificate chain and private key the control plane serves HTTPS with. */
public record TlsFiles(Path certificate, Path privateKey) {}
