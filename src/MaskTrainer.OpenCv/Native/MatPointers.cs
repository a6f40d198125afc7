namespace MaskTrainer.OpenCv.Native;

/// <summary>
/// Raw pointers to several Mats for one native call, with each handle kept alive (AddRef) until
/// <see cref="Dispose"/>: the SafeHandle marshaller only does this for single handles.
/// </summary>
internal sealed class MatPointers : IDisposable
{
    private readonly MatHandle[] _handles;
    private readonly bool[] _added;

    public MatPointers(IReadOnlyList<Mat> mats)
    {
        _handles = new MatHandle[mats.Count];
        _added = new bool[mats.Count];
        Pointers = new IntPtr[mats.Count];
        try
        {
            for (var i = 0; i < mats.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(mats[i], $"mats[{i}]");
                _handles[i] = mats[i].Handle;
                _handles[i].DangerousAddRef(ref _added[i]);
                Pointers[i] = _handles[i].DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IntPtr[] Pointers { get; }

    public void Dispose()
    {
        for (var i = 0; i < _handles.Length; i++)
        {
            if (_added[i])
            {
                _handles[i].DangerousRelease();
                _added[i] = false;
            }
        }
    }
}
