using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>One process of the pool and its bookkeeping; every member is read and written under the pool's lock.</summary>
public sealed partial class PluginPool
{
    private enum InstanceState
    {
        /// <summary>Spawned, handshake under way: its capacity is not known yet.</summary>
        Starting,

        /// <summary>Handshake done: it takes steps up to its capacity while it lives.</summary>
        Ready,

        /// <summary>Out of the pool: stopping or stopped.</summary>
        Retired,
    }

    private sealed class Instance
    {
        public PluginProcess Process { get; set; } = null!;

        public Task<InitializeResult> Ready { get; set; } = Task.FromResult<InitializeResult>(null!);

        public InstanceState State { get; set; } = InstanceState.Starting;

        /// <summary>The steps in flight on it: the one count of what it is doing.</summary>
        public List<string> Steps { get; } = [];

        public bool Dead { get; set; }

        public Task<ExitStatus>? Retiring { get; set; }

        /// <summary>Whether it serves many steps; false until its handshake says so.</summary>
        public bool IsWarm { get; private set; }

        public int Capacity { get; private set; } = 1;

        public bool HasRoom => State == InstanceState.Ready && !Process.Exited.IsCompleted && Steps.Count < Capacity;

        public void Handshaken(InitializeResult result, bool oneShot)
        {
            if (State == InstanceState.Starting)
            {
                State = InstanceState.Ready;
            }

            IsWarm = !oneShot && result.Capabilities.Warm;
            Capacity = IsWarm ? Math.Max(1, result.Capabilities.MaxConcurrency) : 1;
        }
    }

    /// <summary>A step's place on an instance, from the lease to the step's end.</summary>
    private sealed class Lease : IDisposable
    {
        private readonly PluginPool _pool;
        private readonly string _stepId;

        public Lease(PluginPool pool, Instance instance, string stepId)
        {
            _pool = pool;
            _stepId = stepId;
            Instance = instance;
            instance.Steps.Add(stepId);
        }

        public Instance Instance { get; }

        public void Dispose()
        {
            lock (_pool._lock)
            {
                Instance.Steps.Remove(_stepId);
            }
        }
    }

    /// <summary>The pool's services for one instance: a stderr line, which says nothing of its step, is the step's when one step is in flight.</summary>
    private sealed class InstanceServices(PluginPool pool, Instance instance) : HostServices
    {
        public override void OnEvent(PluginEvent pluginEvent)
        {
            if (pluginEvent.StepId is null)
            {
                lock (pool._lock)
                {
                    if (instance.Steps.Count == 1)
                    {
                        pluginEvent = pluginEvent with { StepId = instance.Steps[0] };
                    }
                }
            }

            pool._services.Raise(pluginEvent);
        }

        public override Task<System.Text.Json.JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken) =>
            pool._services.GetVariableAsync(name, stepId, cancellationToken);

        public override Task<StepsGetResult> GetStepAsync(string step, string? stepId, CancellationToken cancellationToken) =>
            pool._services.GetStepAsync(step, stepId, cancellationToken);
    }
}
