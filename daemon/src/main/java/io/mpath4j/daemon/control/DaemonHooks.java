package io.mpath4j.daemon.control;

/**
 * What only a process with a configuration file ({@code mpath daemon}) can answer: the management
 * handler calls these for {@code reconfigure} and {@code show config}.
 */
public interface DaemonHooks {

    /** Re-reads the configuration file and applies it to the live devices. */
    ManagementReply reconfigure();

    /** The configuration the daemon runs with, in multipath.conf syntax. */
    ManagementReply showConfig();

    /** Opens the path at {@code uri} and adds it to its unit's device ({@code map} may be null for iSCSI). */
    default ManagementReply addPath(String uri, String map) {
        return ManagementReply.error("add path: only mpath daemon opens paths at run time (it has the transport settings);"
                + " restart mpath serve with the path among its URIs");
    }

    /** For {@code mpath serve}: settings come from its command line, so these are refused. */
    DaemonHooks NONE = new DaemonHooks() {
        @Override
        public ManagementReply reconfigure() {
            return ManagementReply.error("reconfigure: this process has no configuration file"
                    + " (mpath serve takes its settings from its command line); run mpath daemon -c FILE");
        }

        @Override
        public ManagementReply showConfig() {
            return ManagementReply.error("show config: this process has no configuration file"
                    + " (mpath serve takes its settings from its command line)");
        }
    };
}
