namespace MaskTrainer;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back on the reporting thread (unlike
/// <see cref="Progress{T}"/>, which posts to a synchronisation context and may reorder or lag).
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
