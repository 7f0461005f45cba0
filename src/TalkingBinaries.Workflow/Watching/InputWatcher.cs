using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Watching;

/// <summary>Watches the <c>inputs</c> of a DevFile's steps, and the DevFile itself, for <c>tb run --watch</c> (docs/devfile.md, "Watch").</summary>
/// <remarks>
/// <para>Changes are debounced: <see cref="NextAsync"/> answers once no change came for the quiet period (at most a
/// few quiet periods after the first), so saving many files at once gives one rerun. Files that are any step's
/// <c>outputs</c> and everything in <c>.tb/</c> are left out: what a run writes never starts another run.</para>
/// <para>Uses the system's file notifications (inotify): each watched directory takes one of the user's watches.</para>
/// </remarks>
public sealed class InputWatcher : IDisposable
{
    private readonly DevFile _devFile;
    private readonly IReadOnlyList<StepDefinition> _steps;
    private readonly TimeSpan _quiet;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Lock _lock = new();
    private readonly string _state;
    private SortedSet<string> _changed = new(StringComparer.Ordinal);
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _first;
    private long _last;

    /// <summary>Starts watching the inputs of <paramref name="steps"/> and the DevFile.</summary>
    /// <exception cref="IOException">A directory cannot be watched, e.g. the user's inotify watches are used up.</exception>
    public InputWatcher(DevFile devFile, IEnumerable<StepDefinition> steps, TimeSpan quiet)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        _devFile = devFile;
        _steps = [.. steps];
        _quiet = quiet;
        _state = Path.Combine(devFile.Directory, ".tb") + Path.DirectorySeparatorChar;
        var roots = _steps.Where(step => step.Inputs is not null).SelectMany(step => step.Inputs!.Roots(devFile.Directory))
            .Select(root => Directory.Exists(root) ? (Path: root, Recursive: true) : Existing(root))
            .Append((Path: devFile.Directory, Recursive: false))
            .Distinct()
            .OrderBy(root => root.Path, StringComparer.Ordinal)
            .ToList();
        foreach (var (path, recursive) in roots)
        {
            // A directory watched with all beneath it needs no watch of its own beneath.
            if (roots.Any(other => other.Recursive && other.Path != path && (path + "/").StartsWith(other.Path.TrimEnd('/') + "/", StringComparison.Ordinal))
                || (!recursive && roots.Any(other => other.Recursive && other.Path == path)))
            {
                continue;
            }

            Watch(path, recursive);
        }
    }

    /// <summary>How many steps' inputs are watched.</summary>
    public int Steps => _steps.Count(step => step.Inputs is not null);

    /// <summary>Waits for the next settled change; the paths changed (relative to the DevFile), "DevFile" among them when it changed.</summary>
    public async Task<IReadOnlyList<string>> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_lock)
            {
                signal = _signal.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    var sinceLast = TimeSpan.FromTicks(DateTime.UtcNow.Ticks - _last);
                    var sinceFirst = TimeSpan.FromTicks(DateTime.UtcNow.Ticks - _first);
                    wait = sinceFirst >= _quiet * 4 ? TimeSpan.Zero : _quiet - sinceLast;
                }

                if (wait <= TimeSpan.Zero)
                {
                    break;
                }

                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            lock (_lock)
            {
                var changed = _changed;
                _changed = new SortedSet<string>(StringComparer.Ordinal);
                _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (changed.Count > 0)
                {
                    return [.. changed];
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    /// <summary>The nearest existing directory above a root that is a file or not there yet: watched with all beneath it when it is missing, so its creation is seen.</summary>
    private static (string Path, bool Recursive) Existing(string root)
    {
        if (File.Exists(root))
        {
            return (Path.GetDirectoryName(root)!, false);
        }

        var directory = Path.GetDirectoryName(root);
        while (directory is not null && !Directory.Exists(directory))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return (directory ?? "/", true);
    }

    private void Watch(string path, bool recursive)
    {
        var watcher = new FileSystemWatcher(path)
        {
            IncludeSubdirectories = recursive,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, e) => Seen(e.FullPath, gone: false);
        watcher.Created += (_, e) => Seen(e.FullPath, gone: false);
        watcher.Deleted += (_, e) => Seen(e.FullPath, gone: true);
        watcher.Renamed += (_, e) =>
        {
            Seen(e.OldFullPath, gone: true);
            Seen(e.FullPath, gone: false);
        };

        // Too many changes at once for the system's queue: some were lost, so run again to be sure.
        watcher.Error += (_, _) => Note(".");
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            watcher.Dispose();
            throw new IOException($"cannot watch {path}: {exception.Message} (on Linux, raise fs.inotify.max_user_watches or watch fewer files)", exception);
        }

        _watchers.Add(watcher);
    }

    private void Seen(string path, bool gone)
    {
        if (path == _devFile.Path)
        {
            Note(Path.GetFileName(path));
            return;
        }

        // .tb itself too: the first run creating it is a write of the run, as is everything in it.
        if ((path + Path.DirectorySeparatorChar).StartsWith(_state, StringComparison.Ordinal) || _steps.Any(step => step.OutputFiles?.Contains(_devFile.Directory, path) == true))
        {
            return;
        }

        var directory = _devFile.Directory;
        if (_steps.Any(step => step.Inputs is { } inputs
            && (inputs.Contains(directory, path) || ((gone || Directory.Exists(path)) && inputs.MayHold(directory, path)))))
        {
            Note(Path.GetRelativePath(directory, path));
        }
    }

    private void Note(string relative)
    {
        lock (_lock)
        {
            var now = DateTime.UtcNow.Ticks;
            if (_changed.Count == 0)
            {
                _first = now;
            }

            _last = now;
            _changed.Add(relative);
            _signal.TrySetResult();
        }
    }
}
