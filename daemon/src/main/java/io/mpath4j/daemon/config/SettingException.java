package io.mpath4j.daemon.config;

/** A value that does not work, with the setting (and so the file:line) it came from. */
public final class SettingException extends IllegalArgumentException {

    private final transient Setting setting;

    SettingException(Setting setting, String message) {
        super(message);
        this.setting = setting;
    }

    public Setting setting() {
        return setting;
    }
}
