using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>
/// One background thread that makes every highgui call. OpenCV's Qt back-end ties its windows
/// to the thread that opened the first one and blocks forever when another thread calls in
/// while that one is not running an event loop; funnelling all calls through one thread lets
/// any caller thread use windows safely. Each call waits for its result, so a Mat passed in
/// stays alive for the duration.
/// </summary>
internal static class GuiThread
{
    private static readonly BlockingCollection<Action> Queue = new();
    private static readonly Thread Thread = StartThread();

    /// <summary>Runs <paramref name="call"/> on the GUI thread and returns its result or rethrows its exception.</summary>
    public static T Invoke<T>(Func<T> call)
    {
        if (Thread.CurrentThread == Thread)
        {
            return call();
        }

        T result = default!;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        Queue.Add(() =>
        {
            try
            {
                result = call();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        error?.Throw();
        return result;
    }

    public static void Invoke(Action call) => Invoke(() =>
    {
        call();
        return 0;
    });

    private static Thread StartThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var work in Queue.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true, // never keeps the process alive
            Name = "OpenCV GUI",
        };
        thread.Start();
        return thread;
    }
}
