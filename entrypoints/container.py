"""The composition root: one container wires adapters to ports and ports to use cases.

Backends are chosen by configuration through a Selector per port, and each adapter's module is
imported only when its provider is first called (lazy_adapters.py). Use cases are stateless, so
the HTTP app and the worker resolve each of them once at start-up rather than per request.
"""

from __future__ import annotations

import inspect
import random
from typing import TypeVar

from dependency_injector import containers, providers

from core.analytics import GetAnalytics, GetTeamAnalytics
from core.audit import ListAudit
from core.automations import (
    AutomationTriggers,
    CreateAutomation,
    DeleteAutomation,
    DisableAutomation,
    EnableAutomation,
    FireDueSteps,
    GetAutomation,
    ListAutomations,
    ReplaceAutomation,
    StartInactiveRuns,
)
from core.campaigns import (
    BackgroundFanOuts,
    CancelCampaign,
    ContinueFanOuts,
    CountAudience,
    CreateCampaign,
    EditScheduledCampaign,
    FanOutCampaign,
    GetCampaign,
    ListCampaigns,
    PauseCampaign,
    ResumeCampaign,
    RetryFailedInCampaign,
    StartDueCampaigns,
    StopCampaignsPastStopAt,
    UnsendUnreadInCampaign,
)
from core.conversations import (
    GetConversation,
    ListConversationMessages,
    ListConversations,
    MarkConversationRead,
    SendInConversation,
)
from core.fans import CreateFan, DeleteFan, GetFan, ListFans, TopFans, UpdateFan
from core.identity import (
    AcceptInvitation,
    AddMember,
    AuthenticateKey,
    AuthenticatePerson,
    ChangeMemberRole,
    ChangePassword,
    CreateAccount,
    CreateApiKey,
    CreateUser,
    FindUser,
    GetProfile,
    InviteMember,
    ListApiKeys,
    ListInvitations,
    ListMembers,
    LoginThrottle,
    OpenInvitation,
    RefreshSession,
    RemoveMember,
    RevokeApiKey,
    RevokeInvitation,
    SignIn,
    SignOut,
)
from core.imports import GetImportErrors, ImportFansCsv
from core.inbound import ProcessInboundEvent
from core.messaging import (
    ConsumeEnvelopes,
    GetMessage,
    GetQueueStatus,
    ListFailedMessages,
    MessagingConfig,
    OutboundWriter,
    OutboxRelay,
    QueueWorker,
    RecordQueueGauges,
    RetryFailedMessage,
    SendBatch,
    SendGate,
    SendMessage,
    SweepOutbox,
    UnsendMessage,
)
from core.monitoring import CheckHealth
from core.quick_replies import (
    CreateQuickReply,
    DeleteQuickReply,
    GetQuickReply,
    ListQuickReplies,
    UpdateQuickReply,
)
from core.ratelimit import Policy
from core.settings import AccountRules, GetSettings, UpdateSettings
from core.tick import Tick
from entrypoints import lazy_adapters as lazy
from entrypoints.config import Settings

T = TypeVar("T")


class Container(containers.DeclarativeContainer):
    config = providers.Configuration()

    clock = providers.Singleton(lazy.system_clock)
    metrics = providers.Selector(
        config.metrics_backend,
        memory=providers.Singleton(lazy.memory_metrics),
        cloudwatch=providers.Singleton(
            lazy.cloudwatch_metrics, namespace=config.cloudwatch_namespace, clock=clock
        ),
        prometheus=providers.Singleton(lazy.prometheus_metrics),
    )
    # EMF lines are buffered: written every few seconds and at shutdown (no-op for the others).
    metrics_flusher = providers.Resource(lazy.metrics_flusher, metrics=metrics)
    sqs_queue = providers.Resource(
        lazy.sqs_queue,
        queue_url=config.sqs_queue_url,
        dlq_url=config.sqs_dlq_url,
        region=config.aws_region,
        endpoint_url=config.sqs_endpoint_url,
    )
    queue = providers.Selector(
        config.queue_backend,
        memory=providers.Singleton(lazy.memory_queue, clock=clock),
        sqs=sqs_queue,
    )
    redis_limiter = providers.Resource(lazy.redis_rate_limiter, url=config.redis_url)
    rate_limiter = providers.Selector(
        config.limiter_backend,
        memory=providers.Singleton(lazy.memory_rate_limiter, clock=clock),
        redis=redis_limiter,
    )
    webhook_gateway = providers.Resource(
        lazy.webhook_gateway,
        backend=config.delivery_backend,
        url=config.delivery_webhook_url,
        secret=config.delivery_webhook_secret,
        timeout_s=config.delivery_webhook_timeout_s,
        clock=clock,
        connections=config.worker_concurrency,
    )
    delivery = providers.Selector(
        config.delivery_backend,
        simulated=providers.Singleton(lazy.simulated_delivery, clock=clock),
        webhook=webhook_gateway,
    )
    storage = providers.Resource(lazy.storage, url=config.database_url)

    messaging_config = providers.Singleton(
        MessagingConfig,
        send_policy=providers.Singleton(
            Policy.per_minute, config.send_rate_per_minute, config.send_burst
        ),
        enabled=config.rate_limiter_enabled,
        fan_out_chunk=config.fanout_chunk_size,
        delivery_concurrency=config.worker_concurrency,
    )
    api_policy = providers.Singleton(Policy.per_minute, config.api_rate_per_minute)
    # One per process: its cache of each account's settings is what `forget` clears.
    account_rules = providers.Singleton(
        AccountRules, storage=storage, default_policy=messaging_config.provided.send_policy
    )
    get_settings = providers.Factory(GetSettings, rules=account_rules)
    update_settings = providers.Factory(
        UpdateSettings, storage=storage, rules=account_rules, clock=clock
    )

    relay = providers.Factory(
        OutboxRelay,
        storage=storage,
        queue=queue,
        metrics=metrics,
        clock=clock,
        config=messaging_config,
    )
    outbound_writer = providers.Singleton(
        OutboundWriter,
        storage=storage,
        relay=relay,
        limiter=rate_limiter,
        clock=clock,
        config=messaging_config,
        rules=account_rules,
    )
    send_message = providers.Factory(
        SendMessage, writer=outbound_writer, clock=clock, config=messaging_config
    )
    send_batch = providers.Factory(SendBatch, writer=outbound_writer, config=messaging_config)
    get_message = providers.Factory(GetMessage, storage=storage)
    list_failed = providers.Factory(ListFailedMessages, storage=storage)
    retry_failed = providers.Factory(
        RetryFailedMessage, storage=storage, relay=relay, clock=clock, config=messaging_config
    )
    unsend_message = providers.Factory(
        UnsendMessage, storage=storage, gateway=delivery, clock=clock
    )
    record_queue_gauges = providers.Singleton(
        RecordQueueGauges, queue=queue, metrics=metrics, clock=clock
    )
    queue_status = providers.Factory(
        GetQueueStatus,
        storage=storage,
        limiter=rate_limiter,
        clock=clock,
        config=messaging_config,
        rules=account_rules,
    )
    check_health = providers.Factory(
        CheckHealth,
        storage=storage,
        queue=queue,
        limiter=rate_limiter,
        clock=clock,
        config=messaging_config,
    )
    create_fan = providers.Factory(CreateFan, storage=storage, clock=clock)
    list_fans = providers.Factory(ListFans, storage=storage)
    get_fan = providers.Factory(GetFan, storage=storage)
    top_fans = providers.Factory(TopFans, storage=storage)
    update_fan = providers.Factory(UpdateFan, storage=storage, clock=clock)
    delete_fan = providers.Factory(DeleteFan, storage=storage, clock=clock)
    import_fans_csv = providers.Factory(ImportFansCsv, storage=storage, clock=clock)
    get_import_errors = providers.Factory(GetImportErrors, storage=storage)
    create_quick_reply = providers.Factory(CreateQuickReply, storage=storage, clock=clock)
    list_quick_replies = providers.Factory(ListQuickReplies, storage=storage)
    get_quick_reply = providers.Factory(GetQuickReply, storage=storage)
    update_quick_reply = providers.Factory(UpdateQuickReply, storage=storage, clock=clock)
    delete_quick_reply = providers.Factory(DeleteQuickReply, storage=storage)
    list_conversations = providers.Factory(ListConversations, storage=storage)
    get_conversation = providers.Factory(GetConversation, storage=storage)
    list_conversation_messages = providers.Factory(ListConversationMessages, storage=storage)
    send_in_conversation = providers.Factory(
        SendInConversation, storage=storage, send_message=send_message
    )
    mark_conversation_read = providers.Factory(MarkConversationRead, storage=storage, clock=clock)
    bridge_signature = providers.Singleton(lazy.bridge_signature, config.delivery_webhook_secret)
    # Automations' jitter and variant choice; tests override it with a seeded or scripted one.
    random_source = providers.Singleton(random.Random)
    automation_triggers = providers.Factory(AutomationTriggers, random=random_source)
    process_inbound_event = providers.Factory(
        ProcessInboundEvent, storage=storage, clock=clock, automations=automation_triggers
    )
    get_analytics = providers.Factory(GetAnalytics, storage=storage, clock=clock)
    get_team_analytics = providers.Factory(GetTeamAnalytics, storage=storage, clock=clock)
    list_audit = providers.Factory(ListAudit, storage=storage)

    send_gate = providers.Factory(
        SendGate,
        limiter=rate_limiter,
        rules=account_rules,
        metrics=metrics,
        clock=clock,
        config=messaging_config,
    )
    consume = providers.Factory(
        ConsumeEnvelopes,
        gate=send_gate,
        storage=storage,
        queue=queue,
        limiter=rate_limiter,
        gateway=delivery,
        metrics=metrics,
        clock=clock,
        config=messaging_config,
    )
    fan_out_campaign = providers.Factory(
        FanOutCampaign, storage=storage, clock=clock, config=messaging_config
    )
    sweep_outbox = providers.Factory(
        SweepOutbox,
        storage=storage,
        relay=relay,
        limiter=rate_limiter,
        clock=clock,
        config=messaging_config,
        rules=account_rules,
    )
    tick = providers.Factory(
        Tick,
        fan_outs=providers.Factory(ContinueFanOuts, storage=storage, fan_out=fan_out_campaign),
        sweep=sweep_outbox,
        starts=providers.Factory(
            StartDueCampaigns, storage=storage, fan_out=fan_out_campaign, clock=clock
        ),
        stops=providers.Factory(StopCampaignsPastStopAt, storage=storage, clock=clock),
        inactive=providers.Factory(
            StartInactiveRuns, storage=storage, clock=clock, random=random_source
        ),
        steps=providers.Factory(
            FireDueSteps, storage=storage, rules=account_rules, clock=clock, random=random_source
        ),
    )
    # One per process: the fan-outs it started, cancelled when the API shuts down.
    background_fan_outs = providers.Singleton(
        BackgroundFanOuts, fan_out=fan_out_campaign, sweep=sweep_outbox
    )
    create_campaign = providers.Factory(
        CreateCampaign,
        storage=storage,
        fan_outs=background_fan_outs,
        limiter=rate_limiter,
        metrics=metrics,
        clock=clock,
        config=messaging_config,
        rules=account_rules,
    )
    get_campaign = providers.Factory(GetCampaign, storage=storage)
    count_audience = providers.Factory(CountAudience, storage=storage, clock=clock)
    unsend_unread_campaign = providers.Factory(
        UnsendUnreadInCampaign, storage=storage, unsend=unsend_message, clock=clock
    )
    edit_scheduled_campaign = providers.Factory(
        EditScheduledCampaign, storage=storage, clock=clock, rules=account_rules
    )
    list_campaigns = providers.Factory(ListCampaigns, storage=storage)
    pause_campaign = providers.Factory(
        PauseCampaign, storage=storage, sweep=sweep_outbox, clock=clock
    )
    resume_campaign = providers.Factory(
        ResumeCampaign, storage=storage, sweep=sweep_outbox, clock=clock
    )
    cancel_campaign = providers.Factory(
        CancelCampaign, storage=storage, sweep=sweep_outbox, clock=clock
    )
    retry_failed_campaign = providers.Factory(
        RetryFailedInCampaign,
        storage=storage,
        sweep=sweep_outbox,
        clock=clock,
        config=messaging_config,
    )
    # People and their accounts (core.identity): argon2id is imported only by what hashes.
    password_hasher = providers.Singleton(lazy.password_hasher)
    login_throttle = providers.Factory(LoginThrottle, limiter=rate_limiter)
    sign_in = providers.Factory(
        SignIn, storage=storage, passwords=password_hasher, throttle=login_throttle, clock=clock
    )
    refresh_session = providers.Factory(RefreshSession, storage=storage, clock=clock)
    sign_out = providers.Factory(SignOut, storage=storage, clock=clock)
    change_password = providers.Factory(
        ChangePassword,
        storage=storage,
        passwords=password_hasher,
        throttle=login_throttle,
        clock=clock,
    )
    get_profile = providers.Factory(GetProfile, storage=storage)
    authenticate_person = providers.Factory(AuthenticatePerson, storage=storage)
    authenticate_key = providers.Factory(AuthenticateKey, storage=storage, clock=clock)
    list_members = providers.Factory(ListMembers, storage=storage)
    change_member_role = providers.Factory(ChangeMemberRole, storage=storage, clock=clock)
    remove_member = providers.Factory(RemoveMember, storage=storage, clock=clock)
    add_member = providers.Factory(AddMember, storage=storage, clock=clock)
    invite_member = providers.Factory(InviteMember, storage=storage, clock=clock)
    list_invitations = providers.Factory(ListInvitations, storage=storage, clock=clock)
    revoke_invitation = providers.Factory(RevokeInvitation, storage=storage, clock=clock)
    open_invitation = providers.Factory(OpenInvitation, storage=storage, clock=clock)
    accept_invitation = providers.Factory(
        AcceptInvitation,
        storage=storage,
        passwords=password_hasher,
        throttle=login_throttle,
        clock=clock,
    )
    create_api_key = providers.Factory(CreateApiKey, storage=storage, clock=clock)
    list_api_keys = providers.Factory(ListApiKeys, storage=storage)
    revoke_api_key = providers.Factory(RevokeApiKey, storage=storage, clock=clock)
    create_user = providers.Factory(
        CreateUser, storage=storage, passwords=password_hasher, clock=clock
    )
    create_account = providers.Factory(CreateAccount, storage=storage, clock=clock)
    find_user = providers.Factory(FindUser, storage=storage)

    create_automation = providers.Factory(
        CreateAutomation, storage=storage, rules=account_rules, clock=clock
    )
    replace_automation = providers.Factory(
        ReplaceAutomation, storage=storage, rules=account_rules, clock=clock
    )
    get_automation = providers.Factory(GetAutomation, storage=storage)
    list_automations = providers.Factory(ListAutomations, storage=storage)
    enable_automation = providers.Factory(EnableAutomation, storage=storage, clock=clock)
    disable_automation = providers.Factory(DisableAutomation, storage=storage, clock=clock)
    delete_automation = providers.Factory(DeleteAutomation, storage=storage, clock=clock)
    worker = providers.Factory(
        QueueWorker,
        queue=queue,
        consume=consume,
        tick=tick,
        tick_every_s=messaging_config.provided.sweep_every_s,
        concurrency=config.worker_concurrency,
        # SQS bills per request: a long poll makes one call where short ones would make many.
        wait_s=providers.Selector(
            config.queue_backend, memory=providers.Object(1.0), sqs=providers.Object(20.0)
        ),
    )


def build_container(settings: Settings) -> Container:
    container = Container()
    container.config.from_dict(settings.as_config())
    return container


async def resolve(provider: providers.Provider[T]) -> T:
    """An instance from a provider, awaited when an async resource made the provider async."""
    made = provider()
    return await made if inspect.isawaitable(made) else made


async def start(container: Container) -> None:
    """Open pools and clients (the container's resources)."""
    opening = container.init_resources()
    if opening is not None:  # None when no resource is async
        await opening


async def stop(container: Container) -> None:
    closing = container.shutdown_resources()
    if closing is not None:
        await closing
