namespace MaskTrainer.Serialization;

/// <summary>
/// Rules for names inside a model zip. Anything that could escape an extraction folder
/// (absolute paths, "..", backslashes, drive letters) is refused before a byte is written.
/// </summary>
internal static class EntryNames
{
    public const string Manifest = "manifest.json";
    public const string Metrics = "metrics.json";
    public const string HeadFolder = "head/";
    public const string BackboneFolder = "backbone/";

    private const int MaxLength = 260;

    public static string HeadTensorPath(string tensorName) => HeadFolder + tensorName + ".bin";

    public static string BackbonePath(string fileName) => BackboneFolder + fileName;

    /// <summary>A relative, forward-slash path with no empty, "." or ".." segments.</summary>
    public static bool IsSafePath(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name[0] == '/')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c == '\\' || c == ':' || char.IsControl(c))
            {
                return false;
            }
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A single file name (no folder part) that does not start with a dot.</summary>
    public static bool IsPlainFileName(string? name) =>
        IsSafePath(name) && !name!.Contains('/') && name[0] != '.';

    /// <summary>Tensor names become file names, so they are kept to [A-Za-z0-9_.-] and start with a letter, digit or '_'.</summary>
    public static bool IsTensorName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name[0] == '.' || name[0] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.' || c == '-'))
            {
                return false;
            }
        }

        return !name.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>Lowercase hex SHA-256 (64 characters).</summary>
    public static bool IsSha256(string? hex)
    {
        if (hex is null || hex.Length != 64)
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
