using System.Globalization;

namespace MaskTrainer.Detect.Cli;

/// <summary>
/// The values a whole-number option takes, from <see cref="Min"/> to <see cref="Max"/>: one
/// place for both of its messages, the value outside the range (--hold-frames 11) and the number
/// too large for the option's type (--camera 99999999999, which the library only calls "not a
/// whole number").
/// </summary>
/// <param name="Min">The smallest value allowed.</param>
/// <param name="Max">The largest value allowed: the option's own limit, or its type's largest value.</param>
/// <param name="Bounded">Whether <see cref="Max"/> is the option's own limit (then the requirement names it).</param>
internal sealed record WholeRange(long Min, long Max, bool Bounded)
{
    /// <summary>The range of an option of type <typeparamref name="T"/> (int, long or their nullables), with its own <paramref name="max"/> if any.</summary>
    public static WholeRange For<T>(long min, long? max = null)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        long typeMax = type == typeof(int) ? int.MaxValue
            : type == typeof(long) ? long.MaxValue
            : throw new ArgumentException($"{type} is not a whole-number type", nameof(T));
        return new WholeRange(min, max ?? typeMax, max is not null);
    }

    public bool Contains(long value) => value >= Min && value <= Max;

    /// <summary>"must be 1 or more", "must be between 0 and 10".</summary>
    public string Requirement => Bounded
        ? string.Create(CultureInfo.InvariantCulture, $"must be between {Min} and {Max}")
        : string.Create(CultureInfo.InvariantCulture, $"must be {Min} or more");

    /// <summary>The message for a whole number the option's type cannot hold: "--camera: 99999999999 is out of range (0 to 2147483647)".</summary>
    public string OutOfRange(string option, string typed) =>
        string.Create(CultureInfo.InvariantCulture, $"{option}: {typed} is out of range ({Min} to {Max})");

    /// <summary>Whether <paramref name="token"/> is written as a whole number (digits, an optional sign), whatever its size.</summary>
    public static bool IsWholeNumber(string token)
    {
        var digits = token.AsSpan().TrimStart("+-");
        return digits.Length > 0 && token.Length - digits.Length <= 1 && !digits.ContainsAnyExceptInRange('0', '9');
    }
}
