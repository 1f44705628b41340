//! Translating between the hub's network operations and copse-net's commands and events.
//! Both sides name peers by member id; this is only a change of vocabulary.

use copse_hub::{Input, NetOp};
use copse_net::{NetCommand, NetEvent};

/// The network command for a hub operation.
pub(crate) fn command_of(op: NetOp) -> NetCommand {
    match op {
        NetOp::Dial { peer, addrs } => NetCommand::Dial { peer, addrs },
        NetOp::SendSync { peer, tag, request } => NetCommand::SendSync { peer, request, tag },
        NetOp::RespondSync { inbound, response } => NetCommand::RespondSync {
            id: inbound,
            response,
        },
        NetOp::SendJoin {
            peer,
            addrs,
            tag,
            request,
        } => NetCommand::SendJoin {
            peer,
            addrs,
            request,
            tag,
        },
        NetOp::RespondJoin { inbound, response } => NetCommand::RespondJoin {
            id: inbound,
            response,
        },
        NetOp::Disconnect { peer } => NetCommand::Disconnect { peer },
        NetOp::Block { peer } => NetCommand::Block { peer },
        NetOp::Unblock { peer } => NetCommand::Unblock { peer },
        NetOp::Access(list) => NetCommand::Allow {
            members: list.members,
        },
    }
}

/// The hub input for a network event.
pub(crate) fn input_of(ev: NetEvent) -> Input {
    match ev {
        NetEvent::Listening { addr } => Input::Listening { addr },
        NetEvent::Connected {
            peer,
            addr,
            outbound,
        } => Input::Connected {
            peer,
            addr,
            outbound,
        },
        NetEvent::Disconnected { peer } => Input::Disconnected { peer },
        NetEvent::Discovered { peer, addrs } => Input::Discovered { peer, addrs },
        NetEvent::ObservedAddr { addr, reporter } => Input::ObservedAddr { addr, reporter },
        NetEvent::DialFailed { peer, error } => {
            tracing::debug!(?peer, %error, "dial failed");
            Input::DialFailed { peer }
        }
        NetEvent::SyncRequest { peer, id, request } => Input::SyncRequest {
            peer,
            inbound: id,
            request,
        },
        NetEvent::SyncResult { peer, tag, result } => Input::SyncResult { peer, tag, result },
        NetEvent::JoinRequest { peer, id, request } => Input::JoinRequest {
            peer,
            inbound: id,
            request,
        },
        NetEvent::JoinResult { peer, tag, result } => Input::JoinResult { peer, tag, result },
        NetEvent::BadInbound { peer, error } => {
            tracing::warn!(%peer, %error, "dropped a malformed message");
            Input::BadInbound { peer }
        }
    }
}
