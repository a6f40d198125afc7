using System.Threading.Channels;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>
/// A bounded channel between two pipeline threads, used with blocking calls: each stage runs on
/// its own thread (long native calls would starve the thread pool), so waiting here is cheap.
/// </summary>
internal sealed class StageQueue<T>
{
    private readonly Channel<T> _channel;

    /// <param name="capacity">Items that may wait.</param>
    /// <param name="dropped">When given, a full queue drops its oldest item (handed to this callback) instead of blocking the writer: live cameras keep up with the present.</param>
    public StageQueue(int capacity, Action<T>? dropped = null)
    {
        var options = new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = dropped is null ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropOldest,
        };
        _channel = dropped is null ? Channel.CreateBounded<T>(options) : Channel.CreateBounded(options, dropped);
    }

    /// <summary>Blocks while the queue is full; false when <paramref name="cancel"/> fired first.</summary>
    public bool Write(T item, CancellationToken cancel = default)
    {
        var writer = _channel.Writer;
        while (!writer.TryWrite(item))
        {
            try
            {
                if (!writer.WaitToWriteAsync(cancel).AsTask().GetAwaiter().GetResult())
                {
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Blocks until an item arrives; false when the queue is complete and empty, or <paramref name="cancel"/> fired.</summary>
    public bool TryTake(out T item, CancellationToken cancel = default)
    {
        var reader = _channel.Reader;
        while (!reader.TryRead(out item!))
        {
            try
            {
                if (!reader.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult())
                {
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>No more items will be written; readers drain what is left.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
