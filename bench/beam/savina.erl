%% The BEAM side of the comparison: PingPong, Counting and ThreadRing written the ordinary
%% Erlang way, with the same sizes and message shapes as bench/savina.ts. bench/beam.ts compiles
%% this file with erlc and runs it on one scheduler (erl +S 1:1), our runtime's situation: one
%% thread for every process.
%%
%% Each benchmark runs once at a tenth of its size to warm up, then five times; the fastest run
%% is printed as "figure <name> <operations> <microseconds>".
-module(savina).
-export([main/1]).

main([ScaleArg]) ->
    Scale = list_to_float_or_int(ScaleArg),
    Size = fun(N) -> max(1, round(N * Scale)) end,
    RoundTrips = Size(40000),
    Messages = Size(1000000),
    RingSize = 100,
    Hops = Size(100000),
    io:format("otp ~s ~s~n", [erlang:system_info(otp_release), erlang:system_info(version)]),
    io:format("schedulers ~B~n", [erlang:system_info(schedulers_online)]),
    figure(pingpong, 2 * RoundTrips, fun(F) -> ping_pong(F(RoundTrips)) end),
    figure(counting, Messages + 2, fun(F) -> counting(F(Messages)) end),
    figure(threadring, Hops, fun(F) -> thread_ring(RingSize, F(Hops)) end),
    halt(0).

list_to_float_or_int(Text) ->
    try list_to_float(Text) catch error:badarg -> list_to_integer(Text) end.

%% Runs Bench once on a tenth of each size, then five times in full; prints the fastest.
figure(Name, Operations, Bench) ->
    Bench(fun(N) -> max(1, N div 10) end),
    Full = fun(N) -> N end,
    Micros = lists:min([time_us(fun() -> Bench(Full) end) || _ <- lists:seq(1, 5)]),
    io:format("figure ~s ~B ~B~n", [Name, Operations, Micros]).

time_us(Fun) ->
    Start = erlang:monotonic_time(microsecond),
    ok = Fun(),
    erlang:monotonic_time(microsecond) - Start.

%% PingPong: one process pings another and waits for each pong.
ping_pong(RoundTrips) ->
    Ponger = spawn(fun ponger/0),
    ok = ping(Ponger, RoundTrips),
    Ponger ! stop,
    ok.

ping(_Ponger, 0) ->
    ok;
ping(Ponger, Left) ->
    Ponger ! {ping, self()},
    receive
        pong -> ping(Ponger, Left - 1)
    end.

ponger() ->
    receive
        {ping, From} ->
            From ! pong,
            ponger();
        stop ->
            ok
    end.

%% Counting: a producer sends increments to a counter, then asks for the count.
counting(Messages) ->
    Counter = spawn(fun() -> counter(0) end),
    send_increments(Counter, Messages),
    Counter ! {get, self()},
    receive
        {count, Messages} -> ok
    end.

send_increments(_Counter, 0) ->
    ok;
send_increments(Counter, Left) ->
    Counter ! increment,
    send_increments(Counter, Left - 1).

counter(Total) ->
    receive
        increment -> counter(Total + 1);
        {get, From} -> From ! {count, Total}
    end.

%% ThreadRing: a token counted down from Hops travels round a ring of processes.
thread_ring(RingSize, Hops) ->
    Main = self(),
    Ring = [spawn(fun() -> ring_member(Main) end) || _ <- lists:seq(1, RingSize)],
    Nexts = tl(Ring) ++ [hd(Ring)],
    lists:foreach(fun({Pid, Next}) -> Pid ! {next, Next} end, lists:zip(Ring, Nexts)),
    hd(Ring) ! {token, Hops},
    receive
        done -> ok
    end,
    lists:foreach(fun(Pid) -> Pid ! stop end, Ring),
    ok.

ring_member(Main) ->
    receive
        {next, Next} -> ring_loop(Main, Next)
    end.

ring_loop(Main, Next) ->
    receive
        {token, 0} ->
            Main ! done,
            ring_loop(Main, Next);
        {token, Token} ->
            Next ! {token, Token - 1},
            ring_loop(Main, Next);
        stop ->
            ok
    end.
