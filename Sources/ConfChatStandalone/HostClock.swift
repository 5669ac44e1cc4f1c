import Foundation

/// The clock a standalone host runs on: milliseconds on `CLOCK_MONOTONIC`, which never goes
/// back (a wall clock set back would stretch every timer). The command line reads it and
/// hands it to the hosts (scaled by `--time-scale`), and the prompt paces itself by it;
/// nothing below those reads the time itself.
public enum HostClock {
    /// Milliseconds since an arbitrary point, never going back.
    public static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
