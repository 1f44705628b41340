//! The device identity as libp2p sees it: an ed25519 keypair whose PeerId is the MemberId.

use copse_core::MemberId;
use libp2p::PeerId;
use libp2p::identity::Keypair;

/// The libp2p keypair for a device seed.
pub fn keypair(seed: [u8; 32]) -> Keypair {
    let mut bytes = seed;
    // `ed25519_from_bytes` only fails for a wrong length; a [u8; 32] always fits.
    match Keypair::ed25519_from_bytes(&mut bytes) {
        Ok(k) => k,
        Err(_) => unreachable_keypair(),
    }
}

#[cold]
fn unreachable_keypair() -> Keypair {
    Keypair::generate_ed25519()
}

/// The member id of the device with this seed.
pub fn member_id(seed: [u8; 32]) -> MemberId {
    member_id_of(&keypair(seed).public().to_peer_id())
}

/// The member id of a peer.
pub fn member_id_of(peer: &PeerId) -> MemberId {
    // A PeerId's base58 form always satisfies MemberId's shape.
    MemberId::try_from(peer.to_base58()).unwrap_or_else(|e| panic!("peer id {peer} rejected: {e}"))
}

/// The peer of a member id, if it is a valid PeerId.
pub fn peer_of(member: &MemberId) -> Option<PeerId> {
    member.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_id_is_stable_for_a_seed() {
        let a = member_id([7; 32]);
        assert_eq!(a, member_id([7; 32]));
        assert_ne!(a, member_id([8; 32]));
        assert_eq!(member_id_of(&peer_of(&a).unwrap()), a);
        assert!(a.as_str().starts_with("12D3KooW"));
    }

    #[test]
    fn core_names_signers_as_libp2p_names_peers() {
        // Signatures name their signer by the PeerId that core computes without libp2p.
        for i in 0..=255u8 {
            let seed = [i; 32];
            let signer = copse_core::guard::Signer::from_seed(seed);
            assert_eq!(signer.member(), &member_id(seed), "seed {i}");
        }
    }
}
