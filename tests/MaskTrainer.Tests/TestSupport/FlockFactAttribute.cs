namespace MaskTrainer.Tests.TestSupport;

/// <summary>A test that holds a lock from another process with util-linux's flock(1): Linux with /usr/bin/flock only, skipped elsewhere, saying why.</summary>
internal sealed class FlockFactAttribute : FactAttribute
{
    public FlockFactAttribute()
    {
        Skip = OperatingSystem.IsLinux() && File.Exists("/usr/bin/flock")
            ? null
            : "needs Linux and /usr/bin/flock (util-linux) to hold the lock from another process";
    }
}
